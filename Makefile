# cpcsim - Monte Carlo cost per customer, runway and breakeven.
#
#   make          build ./cpcsim
#   make demo     install what is missing, build, run the example model
#   make check    install what is missing, build, run every test (also under ASan+UBSan)
#   make report   install what is missing, run the example, quote its contract, scope its
#                 team plan and sweep its growth and cash, draw them into out/demo/report.html
#                 (make report OUT=dir draws the run in dir into dir/report.html)
#   make install  install cpcsim and its man page under $(prefix) (DESTDIR honoured)
#   make mpi      install Open MPI when missing, build ./cpcsim-mpi (mpirun -n K ./cpcsim-mpi run ...)

prefix ?= /usr/local
bindir ?= $(prefix)/bin
mandir ?= $(prefix)/share/man

CC ?= cc
# -O3 measured 5-8% faster than -O2 on the bench model with identical reports
# (no fast-math: it changes no floating-point result, only the code's shape)
CFLAGS ?= -O3 -g -flto=auto
LDFLAGS ?= -flto=auto
# ISO C mode, and no contraction into fused multiply-adds: the same bits on
# every machine (and no unsafe floating-point optimisation).
WARN = -std=c11 -ffp-contract=off -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wformat=2 -Wundef -Wwrite-strings -Wvla -Wcast-qual
CPPFLAGS_ALL = -D_POSIX_C_SOURCE=200809L -iquote . $(CPPFLAGS)
GSL_CFLAGS = $(shell pkg-config --cflags gsl 2>/dev/null)
GSL_LIBS = $(shell pkg-config --libs gsl 2>/dev/null || echo -lgsl -lgslcblas)
LIBS = $(GSL_LIBS) -lcsv -lm -pthread

MODEL_SRC = $(wildcard models/*.c)
SIM_SRC = $(filter-out sim/main.c,$(wildcard sim/*.c))
LIB_SRC = $(MODEL_SRC) $(SIM_SRC)
HEADERS = $(wildcard models/*.h sim/*.h sim/*.inc)

BUILD = build
LIB_OBJ = $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC))

.PHONY: all demo check test deps faults bench fuzz install uninstall clean readme bench-deps \
        notebook-deps report figures mpi mpi-deps test-mpi
all: cpcsim

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(GSL_CFLAGS) $(CFLAGS) -pthread -c $< -o $@

cpcsim: $(LIB_OBJ) $(BUILD)/sim/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

deps:
	@sh tests/deps.sh

# cpcsim-mpi: the same sources built with mpicc and -DCPC_MPI in their own
# folder (build/mpi), so that ./cpcsim is untouched; its MPI part is
# sim/ranks.c and sim/engine_ranks.inc.  Open MPI's headers are system
# headers here, outside our warnings.
MPI_BUILD = build/mpi
mpi-deps:
	@sh tests/deps.sh mpi

mpi: mpi-deps
	@$(MAKE) --no-print-directory BUILD=$(MPI_BUILD) CC=mpicc \
		CPPFLAGS="$(CPPFLAGS) -DCPC_MPI $$(mpicc --showme:incdirs | sed 's/\([^ ]*\)/-isystem \1/g')" cpcsim-mpi

cpcsim-mpi: $(LIB_OBJ) $(BUILD)/sim/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# cpcsim-mpi's reports under mpirun -n 2 and -n 3 against ./cpcsim's (tests/mpi.sh).
test-mpi: mpi cpcsim
	@sh tests/mpi.sh ./cpcsim ./cpcsim-mpi

demo: deps
	@$(MAKE) --no-print-directory cpcsim
	./cpcsim run data/saas -o out/demo

# The demo block of README.md, from a fresh run of the example (make check
# checks it, and data/README.md's quoted figures, with tests/readme.sh).
readme: cpcsim
	@sh tests/readme.sh ./cpcsim --update

# Unit tests: one cmocka binary per module (tests/test_*.c).
TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
$(BUILD)/tests/%: tests/%.c tests/testutil.h $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(GSL_CFLAGS) $(CFLAGS) -pthread -o $@ $< $(LIB_OBJ) -lcmocka $(LIBS)

test: cpcsim $(TEST_BIN)
	@sh tests/layers.sh --self-test && sh tests/layers.sh
	@sh tests/man.sh --self-test ./cpcsim && sh tests/man.sh ./cpcsim
	@sh tests/readme.sh ./cpcsim
	@sh tests/run_unit.sh $(TEST_BIN)
	@sh tests/cli/run.sh ./cpcsim

# check: everything, the notebook's report of a small run, then everything
# again under AddressSanitizer and UndefinedBehaviorSanitizer in a separate
# build folder.
check: notebook-deps
	@$(MAKE) --no-print-directory test
	@echo "== cpcsim-mpi under mpirun -n 2 and -n 3 against cpcsim (tests/mpi.sh)"
	@$(MAKE) --no-print-directory test-mpi
	@echo "== the notebook (notebooks/report.ipynb) on a small run of the example"
	@sh tests/notebook.sh ./cpcsim && sh tests/notebook.sh --self-test
	@$(MAKE) --no-print-directory BUILD=build-san CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" LDFLAGS="-fsanitize=address,undefined" cpcsim-san
	@echo "== unit and command-line tests under ASan+UBSan"
	@ASAN_OPTIONS=detect_leaks=1 $(MAKE) --no-print-directory BUILD=build-san CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" LDFLAGS="-fsanitize=address,undefined" test-san
	@echo "== every allocation made to fail in turn"
	@$(MAKE) --no-print-directory faults
	@echo "== fuzzing smoke: each libFuzzer harness for $(FUZZ_SMOKE_SECONDS) s, regression seeds replayed"
	@sh tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS)
	@echo "== the demo under valgrind, leaks checked"
	@rm -rf build/valgrind-out
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 ./cpcsim run data/saas -n 300 -j 2 -o build/valgrind-out -q >/dev/null
	@echo "valgrind: 1 passed, 0 failed"

cpcsim-san: $(LIB_OBJ) $(BUILD)/sim/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $(BUILD)/cpcsim $^ $(LIBS)

test-san: $(TEST_BIN)
	@sh tests/run_unit.sh $(TEST_BIN)
	@sh tests/cli/run.sh ./$(BUILD)/cpcsim

# Benchmark (tests/bench/): cpcsim against its sampling floor and a numpy peer.
$(BUILD)/floor: tests/bench/floor.c $(LIB_OBJ)
	$(CC) $(WARN) $(CPPFLAGS_ALL) $(GSL_CFLAGS) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $< $(LIB_OBJ) $(LIBS)

bench-deps:
	@sh tests/deps.sh bench

# With cpcsim-mpi (built here when it can be), also 2 ranks against 1.
bench: bench-deps cpcsim $(BUILD)/floor
	@if $(MAKE) --no-print-directory mpi; then mpi="--mpi ./cpcsim-mpi"; else mpi=; \
		echo "bench: no cpcsim-mpi (make mpi failed); MPI not timed"; fi; \
	python3 tests/bench/bench.py --cpcsim ./cpcsim --floor $(BUILD)/floor $$mpi $(BENCH_ARGS)

# libFuzzer harnesses (tests/fuzz/): make fuzz FUZZ_SECONDS=600; check runs a smoke.
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 15
fuzz:
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# Allocation failure at every allocation of a run, in turn (tests/faults/run.sh).
FAULT_FLAGS = -O1 -g -DCPC_FAULT_INJECTION -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
faults:
	@$(MAKE) --no-print-directory BUILD=build-fault CFLAGS="$(FAULT_FLAGS)" LDFLAGS="-fsanitize=address,undefined" cpcsim-san
	@sh tests/faults/run.sh build-fault/cpcsim

# The report of a run (notebooks/): the notebook executed headless into one
# self-contained report.html; unless OUT is given, the example's run (with
# --cost-lines, for the notebook's cost lines by month) with its
# example contract quoted and its team plan scoped in the same folder.
notebook-deps:
	@sh tests/deps.sh notebook

report: notebook-deps
ifeq ($(OUT),)
	@$(MAKE) --no-print-directory cpcsim
	./cpcsim run data/saas -o out/demo -q --cost-lines
	./cpcsim quote data/saas data/saas-contract.csv -o out/demo -q
	./cpcsim scope data/saas --price 3950 --plan team -o out/demo -q
	./cpcsim sweep data/saas --vary scenarios.csv:realistic:growth=0%..6%/7 --vary company.csv:cash=3e6..6e6/4 \
		--scenario realistic -o out/demo -q >/dev/null
	./cpcsim goal data/saas --vary company.csv:cash --target prob_cash_out=10% --scenario realistic -o out/demo -q >/dev/null
	@sh notebooks/report.sh out/demo
else
	@sh notebooks/report.sh "$(OUT)"
endif

# The README's figures (notebooks/figures/), drawn by the notebook from the
# example model's run and the quote of its example contract, so that they
# match them.
figures: notebook-deps
	@$(MAKE) --no-print-directory cpcsim
	./cpcsim run data/saas -o out/demo -q
	./cpcsim quote data/saas data/saas-contract.csv -o out/demo -q
	@rm -rf $(BUILD)/figures
	@CPCSIM_SAVE="$(CURDIR)/$(BUILD)/figures" sh notebooks/report.sh out/demo
	@mkdir -p notebooks/figures
	cp $(BUILD)/figures/cash-realistic.png notebooks/figures/cash.png
	cp $(BUILD)/figures/cash_out.png notebooks/figures/cash_out.png
	cp $(BUILD)/figures/plan_costs-realistic.png notebooks/figures/costs.png
	cp $(BUILD)/figures/quote.png notebooks/figures/quote.png

install: cpcsim
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(mandir)/man1
	install -m 755 cpcsim $(DESTDIR)$(bindir)/cpcsim
	install -m 644 sim/cpcsim.1 $(DESTDIR)$(mandir)/man1/cpcsim.1

uninstall:
	rm -f $(DESTDIR)$(bindir)/cpcsim $(DESTDIR)$(mandir)/man1/cpcsim.1

clean:
	rm -rf build build-san build-fault cpcsim cpcsim-mpi out
