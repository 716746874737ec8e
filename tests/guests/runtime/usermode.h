/* Running a VMCALL at CPL 3 (64-bit guest only; usermode64.c). */
#ifndef VENEER_TESTS_GUESTS_USERMODE_H
#define VENEER_TESTS_GUESTS_USERMODE_H

/*
 * Executes VMCALL with RAX=function (RBX=RCX=RDX=0) in user mode and
 * returns the RAX it left.  *vector is the exception the VMCALL raised,
 * or PROBE_NONE.
 */
long vmcall_from_user_mode(unsigned long function, int *vector);

#endif
