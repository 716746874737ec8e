/*
 * A test-and-test-and-set spinlock.  Interrupts are not involved: veneer
 * runs with interrupts masked in root operation, so there is no handler
 * that could re-enter a lock holder except an exception (see log.c).
 */
#ifndef VENEER_KERNEL_SPINLOCK_H
#define VENEER_KERNEL_SPINLOCK_H

#include <stdbool.h>

struct spinlock {
	volatile int locked;
};

#define SPINLOCK_INIT { 0 }

static inline bool spin_trylock(struct spinlock *lock)
{
	return !__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_lock(struct spinlock *lock)
{
	while (!spin_trylock(lock))
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static inline void spin_unlock(struct spinlock *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

#endif
