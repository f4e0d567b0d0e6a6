# make run: install into .venv and start the service on the embedded defaults at :8000
# make test: install into .venv (with test tools) and run the whole test suite
VENV ?= .venv
PYTHON ?= python3
# The embedded mode's local API token; set API_TOKENS yourself for anything else.
API_TOKENS ?= local-admin-token:admin
PORT ?= 8000

.PHONY: run test worker clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	API_TOKENS='$(API_TOKENS)' $(VENV)/bin/flask --app wsgi serve --port $(PORT)

test: $(VENV)/.installed
	$(VENV)/bin/python -m pytest

worker: $(VENV)/.installed
	$(VENV)/bin/rq worker -w bot.worker.ContactsWorker imports default --url "$${REDIS_URL:?set REDIS_URL}"

clean:
	rm -rf $(VENV) instance
