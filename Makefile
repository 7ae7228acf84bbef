SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

.PHONY: run test generate build db bench bench-http load fmt

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

## bench: the radar benchmark in test/ (not part of make test)
bench: db
	go test -run '^$$' -bench '^BenchmarkRadar' -benchtime 1x ./test/...

## bench-http: req/s and latency of endpoints of leida serve under wrk, next to a bare Echo + pgx handler (not part of make test)
bench-http: db
	go test -run '^$$' -bench '^BenchmarkHTTP$$' -benchtime 1x -timeout 60m ./test/

## load: chat load script (200 conversations, 30 s, two instances on loopback; not part of make test)
load: db
	go run ./test/load

fmt:
	gofmt -w $$(git ls-files '*.go')
