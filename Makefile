SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

.PHONY: run test generate build db bench fmt

## run: set everything up (database, migrations, bootstrap, demo data) and serve on :8000
run: build db
	@scripts/run.sh

## test: every test (unit, persistence against PostgreSQL, black-box in test/)
test: db
	go vet ./...
	go test -count=1 ./...

## generate: regenerate mocks and wire_gen.go
generate:
	go generate ./...

build:
	go build -o bin/leida ./cmd/leida

db:
	@scripts/ensure-postgres.sh

## bench: radar/HTTP benchmarks in test/ (not part of make test)
bench: db
	go test -run '^$$' -bench . -benchtime 1x ./test/...

fmt:
	gofmt -w $$(git ls-files '*.go')
