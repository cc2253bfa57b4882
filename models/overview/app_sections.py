"""The sections of the apps a customer's documents live in: sales orders,
opportunities, projects and tasks, each present when its app is installed
(customer_dialog depends on none of them). Contracts: Community has no
contracts app; a module that adds one appends its Section in
res.partner._dialog_overview_sections."""

from ...tools.overview import Section


def app_sections(env):
    """The sections of the installed apps, as Section objects."""
    sections = []
    if "sale.order" in env:
        sections.append(
            Section(
                "sale",
                env._("Sales"),
                "sale.order",
                scope=lambda partners: [("partner_id", "in", partners.ids)],
                mine=lambda user: [("user_id", "=", user.id)],
                columns=[
                    ("name", env._("Number")),
                    ("date_order", env._("Date")),
                    ("amount_total", env._("Total")),
                    ("state", env._("Status")),
                    ("user_id", env._("Salesperson")),
                ],
                filters=[
                    (
                        "open",
                        env._("Open"),
                        [("state", "in", ("draft", "sent"))],
                    ),
                    ("won", env._("Won"), [("state", "=", "sale")]),
                    (
                        "cancelled",
                        env._("Cancelled"),
                        [("state", "=", "cancel")],
                    ),
                ],
                order="date_order desc, id desc",
                sequence=30,
                counted_by=(
                    "state",
                    {
                        "open": ("draft", "sent"),
                        "won": ("sale",),
                        "cancelled": ("cancel",),
                    },
                ),
            )
        )
    if "crm.lead" in env:
        sections.append(
            Section(
                "crm",
                env._("Opportunities"),
                "crm.lead",
                scope=lambda partners: [
                    ("partner_id", "in", partners.ids),
                    ("type", "=", "opportunity"),
                ],
                mine=lambda user: [("user_id", "=", user.id)],
                columns=[
                    ("name", env._("Opportunity")),
                    ("expected_revenue", env._("Expected Revenue")),
                    ("stage_id", env._("Stage")),
                    ("user_id", env._("Salesperson")),
                ],
                filters=[
                    (
                        "open",
                        env._("Open"),
                        [("active", "=", True), ("stage_id.is_won", "=", False)],
                    ),
                    ("won", env._("Won"), [("stage_id.is_won", "=", True)]),
                    (
                        "lost",
                        env._("Lost"),
                        [("active", "=", False), ("probability", "=", 0)],
                    ),
                ],
                order="create_date desc, id desc",
                sequence=35,
                context={"active_test": False},
            )
        )
    if "project.project" in env:
        running = ("on_track", "at_risk", "off_track", "on_hold")
        sections.append(
            Section(
                "project",
                env._("Projects"),
                "project.project",
                scope=lambda partners: [("partner_id", "in", partners.ids)],
                mine=lambda user: [("user_id", "=", user.id)],
                columns=[
                    ("name", env._("Project")),
                    ("user_id", env._("Project Manager")),
                    ("last_update_status", env._("Status")),
                    ("date", env._("Expiration Date")),
                ],
                filters=[
                    (
                        "open",
                        env._("Open"),
                        [("last_update_status", "!=", "done")],
                    ),
                    (
                        "planned",
                        env._("Planned"),
                        [("last_update_status", "=", "to_define")],
                    ),
                    (
                        "running",
                        env._("In Progress"),
                        [("last_update_status", "in", running)],
                    ),
                    (
                        "done",
                        env._("Done"),
                        [("last_update_status", "=", "done")],
                    ),
                ],
                order="id desc",
                sequence=40,
            )
        )
        closed = ("1_done", "1_canceled")
        sections.append(
            Section(
                "task",
                env._("Tasks"),
                "project.task",
                scope=lambda partners: [("partner_id", "in", partners.ids)],
                mine=lambda user: [("user_ids", "in", user.ids)],
                columns=[
                    ("name", env._("Task")),
                    ("project_id", env._("Project")),
                    ("date_deadline", env._("Deadline")),
                    ("state", env._("Status")),
                ],
                filters=[
                    ("open", env._("Open"), [("state", "not in", closed)]),
                    ("done", env._("Done"), [("state", "in", closed)]),
                ],
                order="id desc",
                sequence=45,
            )
        )
    return sections
