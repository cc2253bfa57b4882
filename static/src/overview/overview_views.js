import { markup } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { escape } from "@web/core/utils/strings";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { ListController } from "@web/views/list/list_controller";
import { listView } from "@web/views/list/list_view";

/**
 * The overview's empty page: "No dialog message yet" (the action's help)
 * while the overview shows what it shows when opened; once the user searched
 * or filtered, Odoo's no-result wording instead.
 */
function useNoResultHelp(controller) {
    const info = controller.props.info;
    const actionHelp = info.noContentHelp;
    const searchModel = controller.env.searchModel;
    const opened = JSON.stringify(searchModel.query);
    const title = _t("No dialog message found");
    const hint = _t("Try other filters or search terms.");
    const noResult = markup(
        `<p class="o_view_nocontent_empty_folder">${escape(title)}</p><p>${escape(hint)}</p>`
    );
    Object.defineProperty(info, "noContentHelp", {
        configurable: true,
        get: () => (JSON.stringify(searchModel.query) === opened ? actionHelp : noResult),
    });
}

export class DialogListController extends ListController {
    setup() {
        super.setup();
        useNoResultHelp(this);
    }
}

export class DialogKanbanController extends KanbanController {
    setup() {
        super.setup();
        useNoResultHelp(this);
    }
}

registry.category("views").add("customer_dialog_list", {
    ...listView,
    Controller: DialogListController,
});
registry.category("views").add("customer_dialog_kanban", {
    ...kanbanView,
    Controller: DialogKanbanController,
});
