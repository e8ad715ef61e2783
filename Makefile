# s3perm - build, test, install.  See README.md.
#
#   make            build ./s3perm
#   make test       build and run every test (unit tests under valgrind when
#                   available, end-to-end tests against a local radosgw)
#   make check      rebuild with ASan/UBSan and run every test
#   make fuzz       build the libFuzzer harnesses (tests/fuzz/, clang) and run
#                   each for FUZZ_SECONDS (default 30), FUZZ_JOBS (2) at a time
#   make install    PREFIX=/usr/local DESTDIR=
#   make deps       install the Debian packages needed to build and test

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share/s3perm
VERSION  := 0.1.0

PKGS     := jansson libcurl openssl expat
CC       ?= cc
WARN     := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wvla -Wformat=2
ifeq ($(CI),true)
WARN     += -Werror
endif
OPT      ?= -O2 -g
SAN      ?=
BUILD    ?= build

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)

CPPFLAGS += -D_POSIX_C_SOURCE=200809L -DS3PERM_VERSION='"$(VERSION)"' \
            -Isrc -I$(BUILD)
CFLAGS   += $(WARN) $(OPT) $(SAN) $(PKG_CFLAGS) -pthread
LDLIBS   += $(PKG_LIBS) -lm -pthread

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/templates_data.o
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEMPLATES := $(wildcard templates/*.json)

.PHONY: all test unit e2e check fuzz fuzz-bins install uninstall deps clean FORCE
all: s3perm

s3perm: $(BUILD)/main.o $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Where the installed templates are: rewritten only when PREFIX/DATADIR
# changes, so `make install PREFIX=...` rebuilds what depends on it.
$(BUILD)/template.o: $(BUILD)/config.h
$(BUILD)/config.h: FORCE | $(BUILD)
	@echo '#define S3PERM_DATADIR "$(DATADIR)"' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@
	@rm -f $@.tmp
FORCE:

# The binary carries a copy of templates/, generated at build time.
$(BUILD)/embed: tools/embed.c | $(BUILD)
	$(CC) -O2 -o $@ $<
$(BUILD)/templates_data.c: $(BUILD)/embed $(TEMPLATES)
	$(BUILD)/embed $(TEMPLATES) > $@.tmp && mv $@.tmp $@
$(BUILD)/templates_data.o: $(BUILD)/templates_data.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(LIB_OBJ) $(wildcard tests/*.h) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CMOCKA_CFLAGS) -Itests -o $@ $< $(LIB_OBJ) \
		$(LDLIBS) $(CMOCKA_LIBS)

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

test: s3perm $(TEST_BIN)
	BUILD=$(BUILD) tests/run.sh

unit: s3perm $(TEST_BIN)
	BUILD=$(BUILD) tests/run.sh unit

e2e: s3perm $(TEST_BIN)
	BUILD=$(BUILD) tests/run.sh e2e

check:
	$(MAKE) BUILD=build-san OPT='-O1 -g -fno-omit-frame-pointer' \
		SAN='-fsanitize=address,undefined -fno-sanitize-recover=all' \
		S3PERM_SANITIZED=1 build-san-all
	BUILD=build-san S3PERM_SANITIZED=1 tests/run.sh

build-san-all: s3perm-san $(TEST_BIN)
s3perm-san: $(BUILD)/main.o $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $(BUILD)/s3perm $^ $(LDLIBS)

# Fuzzing (tests/fuzz/README.md): the library objects are rebuilt with clang
# into build-fuzz/ with ASan+UBSan and libFuzzer's coverage; each harness
# links them with libFuzzer's main.  Warnings are not errors here (CI=):
# -Werror is the gcc build's gate, and clang warns about other things.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 30
FUZZ_JOBS    ?= 2
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

fuzz:
	$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) CI= OPT='-O1 -g -fno-omit-frame-pointer' \
		SAN='-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all' \
		fuzz-bins
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run.sh build-fuzz/fuzz

fuzz-bins: $(FUZZ_BIN)
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(LIB_OBJ) | $(BUILD)/fuzz
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< \
		$(LIB_OBJ) $(LDLIBS)
$(BUILD)/fuzz:
	mkdir -p $@

install: s3perm
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(DATADIR)/templates
	install -m 755 s3perm $(DESTDIR)$(BINDIR)/s3perm
	install -m 644 man/s3perm.1 $(DESTDIR)$(MANDIR)/man1/s3perm.1
	install -m 644 $(TEMPLATES) $(DESTDIR)$(DATADIR)/templates/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/s3perm $(DESTDIR)$(MANDIR)/man1/s3perm.1
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/templates/,$(notdir $(TEMPLATES)))
	-rmdir $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR) 2>/dev/null

deps:
	tools/deps.sh

clean:
	rm -rf build build-san build-fuzz s3perm
