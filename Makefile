SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

.PHONY: run test generate build db bench bench-http bench-export ai-eval load fuzz fmt

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

## build: bin/leida, with the git revision stamped for `leida version` where git allows (-buildvcs=auto overrides a GOFLAGS=-buildvcs=false)
build:
	@go build -buildvcs=auto -o bin/leida ./cmd/leida 2>/dev/null || go build -o bin/leida ./cmd/leida

db:
	@scripts/ensure-postgres.sh

## bench: the radar benchmark in test/ (not part of make test)
bench: db
	go test -run '^$$' -bench '^BenchmarkRadar' -benchtime 1x ./test/...

## bench-http: req/s and latency of endpoints of leida serve under wrk, next to a bare Echo + pgx handler (not part of make test)
bench-http: db
	go test -run '^$$' -bench '^BenchmarkHTTP$$' -benchtime 1x -timeout 60m ./test/

## bench-export: the memory and speed of customer/export and action/export at 10x the rows (not part of make test)
bench-export: db
	go test -run '^$$' -bench '^BenchmarkExport$$' -benchtime 1x -timeout 30m ./test/

## ai-eval: the AI close probability on a generated company (planted effects, time-based split) against three baselines (not part of make test)
ai-eval: db
	AI_EVAL=1 go test -count=1 -run '^TestAIEvaluation$$' -v -timeout 30m ./application/ai/ | grep -v '^=== '

## load: chat load script (200 conversations, 30 s, two instances on loopback; not part of make test)
load: db
	go run ./test/load

FUZZTIME ?= 30s

## fuzz: every go test -fuzz target (func Fuzz* in *_test.go), one after another, FUZZTIME each (default 30s; CI runs 3s); make test runs their seed corpora
fuzz:
	@targets=$$(grep -rlE --include='*_test.go' --exclude-dir=.git --exclude-dir=var '^func Fuzz[A-Za-z0-9_]*\(' . | sort | \
	  while read -r file; do \
	    for name in $$(grep -oE '^func Fuzz[A-Za-z0-9_]*' "$$file" | cut -c6-); do echo "./$$(dirname "$${file#./}")/:$$name"; done; \
	  done); \
	test -n "$$targets" || { echo "fuzz: no fuzz target found" >&2; exit 1; }; \
	log=$$(mktemp); trap 'rm -f "$$log"' EXIT; failed=""; summary=""; \
	for t in $$targets; do \
	  pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "== $$name ($$pkg, $(FUZZTIME))"; \
	  go test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) "$$pkg" 2>&1 | tee "$$log"; rc=$${PIPESTATUS[0]}; \
	  if [ "$$rc" -ne 0 ] && ! grep -q 'Failing input written' "$$log" && grep -q 'context deadline exceeded' "$$log"; then \
	    echo "fuzz: $$name stopped on Go's -fuzztime deadline race (golang/go#75804, fixed in Go 1.27) with no failing input; replaying its corpus"; \
	    go test -count=1 -run "^$$name\$$" "$$pkg" && rc=0; \
	  fi; \
	  execs=$$(grep -oE 'execs: [0-9]+' "$$log" | tail -1); \
	  [ "$$rc" -eq 0 ] && status=ok || { status=FAIL; failed="$$failed $$name"; }; \
	  summary="$$summary$$(printf '\n  %-4s %-24s %-22s %s' "$$status" "$$name" "$$pkg" "$${execs:-execs: 0 (the time went to the cached corpus)}")"; \
	done; \
	echo "fuzz ($(FUZZTIME) each):$$summary"; \
	if [ -n "$$failed" ]; then echo "fuzz: failing:$$failed (inputs under the package's testdata/fuzz/<target>/)" >&2; exit 1; fi

fmt:
	gofmt -w $$(git ls-files '*.go')
