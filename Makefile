# Two commands do everything: `make run` and `make test`. See README.md.
.PHONY: run test test-odoo lint setup pot

run:
	@tools/run.sh

test:
	@tools/test.sh

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
