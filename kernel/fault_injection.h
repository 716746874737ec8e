#ifndef VENEER_KERNEL_FAULT_INJECTION_H
#define VENEER_KERNEL_FAULT_INJECTION_H

#include "kernel/config.h"

/* Raises the exception chosen with fault= (for tests of the fault report); returns only for FAULT_NONE. */
void fault_inject(enum fault_injection fault);

#endif
