/*
 * The kernel log.  Every line carries the CPU that printed it; lines above
 * the configured level (loglevel= on the command line) are dropped
 * before they are formatted.
 */
#ifndef VENEER_KERNEL_LOG_H
#define VENEER_KERNEL_LOG_H

enum log_level {
	LOG_ALWAYS = 0,         /* the banner and the final exit line: shown at every level */
	LOG_ERROR = 1,
	LOG_WARN = 2,
	LOG_INFO = 3,
	LOG_DEBUG = 4,
};

void log_set_level(enum log_level level);
void printk(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Gives buffering consoles their next burst, without waiting: for loops
 * that run long at start (delays, waits for other CPUs, large copies), so
 * that the UART sends while the CPU works.  Does nothing when another CPU
 * is logging.
 */
void log_pump(void);

/* Waits until every console has put out every line (a buffering console writes them as its device allows). */
void log_flush(void);

/*
 * From now on every line is out before printk returns: called before the
 * guest runs, after which veneer runs only at the guest's exits and an
 * unsent line could wait for ever.  Until then, consoles that buffer
 * (the UART) send lines while the CPU works on.
 */
void log_write_through(void);

/* For fault handlers: never waits for the log lock (see log.c). */
void log_enter_emergency(void);

/*
 * Lock-free notes from NMI and interrupt handlers, which must not take the
 * log lock (the interrupted code may hold it): counted per CPU, reported
 * in one line per CPU before the next log line of any CPU.
 */
void log_note_nmi(void);
void log_note_interrupt(unsigned vector);

#define pr_error(...)   printk(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)    printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...)    printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)   printk(LOG_DEBUG, __VA_ARGS__)

#endif
