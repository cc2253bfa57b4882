# Two commands do everything: `make run` and `make test`. See README.md.
.PHONY: run test test-odoo lint setup pot bench stress mails screenshots test-standard

run:
	@tools/run.sh

# make mails: list the emails of make run; make mails N=3 (or MAIL=<file.eml>) prints one
mails:
	@tools/mails.sh $(or $(N),$(MAIL))

screenshots:
	@tools/screenshots.sh

test:
	@tools/test.sh

# Odoo's own runner on a database without sale: odoo-bin -i customer_dialog --test-enable
test-standard:
	@tools/test_standard.sh

test-odoo:
	@tools/test_odoo.sh

lint:
	@tools/lint.sh

setup:
	@tools/setup_odoo.sh && tools/setup_venv.sh

pot:
	@tools/i18n.sh

bench:
	@tools/bench.sh

stress:
	@tools/stress.sh
