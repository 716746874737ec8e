/*
 * Exceptions in the guest.  exceptions{32,64}.S saves the registers as a
 * struct trap_frame and calls trap_dispatch(): a probed instruction
 * (probe.h) resumes after itself, anything else is reported and ends the
 * run.
 */
#ifndef VENEER_TESTS_GUESTS_TRAP_H
#define VENEER_TESTS_GUESTS_TRAP_H

#define VECTOR_DE       0
#define VECTOR_NMI      2
#define VECTOR_BP       3
#define VECTOR_UD       6
#define VECTOR_DF       8
#define VECTOR_GP       13
#define VECTOR_PF       14

#ifdef __x86_64__
/* In the order exceptions64.S pushes them: the last push comes first. */
struct trap_frame {
	unsigned long r15, r14, r13, r12, r11, r10, r9, r8;
	unsigned long bp, di, si, dx, cx, bx, ax;
	unsigned long vector, error;
	unsigned long ip, cs, flags, sp, ss;    /* pushed by the CPU */
};
#else
/* PUSHAD order, then what exceptions32.S and the CPU push. */
struct trap_frame {
	unsigned long di, si, bp, pushad_sp, bx, dx, cx, ax;
	unsigned long vector, error;
	unsigned long ip, cs, flags;            /* pushed by the CPU */
};
#endif

void trap_dispatch(struct trap_frame *frame);

/*
 * NMIs a test expects (set before it sends one): each is counted in
 * trap_nmis_taken instead of ending the run as an unexpected NMI.
 */
extern volatile unsigned trap_nmis_expected, trap_nmis_taken;

/* "#GP" for 13, "no exception" for PROBE_NONE. */
const char *vector_name(int vector);

#endif
