from odoo.tests import TransactionCase, new_test_user


class DialogCase(TransactionCase):
    """Users and customers shared by the customer_dialog tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.user_employee = new_test_user(
            cls.env,
            login="dialog_employee",
            groups="base.group_user",
            name="Erika Employee",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="dialog_manager",
            groups="base.group_user,base.group_partner_manager,"
            "customer_dialog.group_customer_dialog_manager",
            name="Manfred Manager",
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Kundenfirma Test GmbH",
                "is_company": True,
                "email": "info@kundenfirma.example.com",
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Karl Kontakt",
                "parent_id": cls.customer.id,
                "email": "karl@kundenfirma.example.com",
            }
        )
