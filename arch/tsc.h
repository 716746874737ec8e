/* Time from the TSC, calibrated once against the PIT (SDM Vol. 3B, 19.17 "Time-Stamp Counter"). */
#ifndef VENEER_ARCH_TSC_H
#define VENEER_ARCH_TSC_H

#include <stdint.h>

void tsc_calibrate(void);
uint64_t tsc_khz(void);
void udelay(uint64_t microseconds);
/* The TSC value microseconds from now, for bounded waits. */
uint64_t tsc_deadline_after_us(uint64_t microseconds);

#endif
