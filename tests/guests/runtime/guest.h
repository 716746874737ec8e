/*
 * The two halves of a guest program: the runtime's guest_start() (start.c,
 * called by entry{32,64}.S) records the entry state and installs the GDT
 * and IDT, then calls the program's guest_main(): runner.c in the test
 * guests, bench.c in the bench guest.
 */
#ifndef VENEER_TESTS_GUESTS_GUEST_H
#define VENEER_TESTS_GUESTS_GUEST_H

#define GUEST_BITS      ((int)sizeof(void *) * 8)

void guest_start(void) __attribute__((noreturn));
void guest_main(const char *cmdline);

#endif
