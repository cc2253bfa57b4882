{
    "name": "Customer Dialog",
    "summary": "One digital customer file: calls, letters, emails, visits and notes, "
    "internal or published to the customer portal",
    "version": "18.0.1.6.0",
    "category": "Sales/CRM",
    "website": "https://github.com/customer-dialog/customer_dialog",
    "author": "customer_dialog developers",
    "license": "LGPL-3",
    "depends": ["mail", "portal"],
    "data": [
        "security/customer_dialog_security.xml",
        "security/ir.model.access.csv",
        "data/customer_dialog_topic_data.xml",
        "data/mail_message_subtype_data.xml",
        "data/mail_activity_type_data.xml",
        "data/mail_template_data.xml",
        "data/customer_dialog_cron.xml",
        "report/customer_file_report.xml",
        "wizard/customer_dialog_block_wizard_views.xml",
        "wizard/customer_dialog_composer_views.xml",
        "wizard/customer_dialog_erase_wizard_views.xml",
        "wizard/portal_wizard_views.xml",
        "views/customer_dialog_topic_views.xml",
        "views/mail_message_views.xml",
        "views/portal_templates.xml",
        "views/res_partner_views.xml",
        "views/customer_dialog_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "customer_dialog/static/src/chatter/*",
        ],
        "web.assets_tests": [
            "customer_dialog/static/tests/tours/*",
        ],
    },
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/res_users_demo.xml",
        "demo/mail_message_demo.xml",
    ],
    "application": True,
}
