# Two commands do everything: `make run` and `make test`. See README.md.
# make cluster: two Odoo nodes on a PostgreSQL primary and hot standby (README)
.PHONY: cluster run test test-odoo lint setup pot bench stress mails reply screenshots test-standard

run:
	@scripts/run.sh

# make mails: list the emails of make run; make mails N=3 (or MAIL=<file.eml>) prints one
mails:
	@scripts/mails.sh $(or $(N),$(MAIL))

# make reply N=3 TEXT="...": the customer answers email 3 of make mails by email
reply:
	@scripts/reply.sh "$(N)" "$(TEXT)"

screenshots:
	@scripts/screenshots.sh

test:
	@scripts/test.sh

# Odoo's own runner on a database without sale: odoo-bin -i customer_dialog --test-enable
test-standard:
	@scripts/test_standard.sh

test-odoo:
	@scripts/test_odoo.sh

lint:
	@scripts/lint.sh

setup:
	@scripts/setup_odoo.sh && scripts/setup_venv.sh

pot:
	@scripts/i18n.sh

bench:
	@scripts/bench.sh

# make stress CLUSTER=1: the same against make cluster's set-up
stress:
	@CLUSTER=$(CLUSTER) scripts/stress.sh

cluster:
	@scripts/cluster.sh
