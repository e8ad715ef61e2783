/* days.h - calendar arithmetic, the one copy every module that reads a date
 * uses (policy Date conditions, HTTP dates, dataset partitions). */
#ifndef S3P_DAYS_H
#define S3P_DAYS_H

#include <stdint.h>

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (negative
 * before it; H. Hinnant's days_from_civil).  m is 1..12 and d 1..31; the
 * caller checks that the day exists in its month. */
int64_t days_from_civil(int64_t y, int m, int d);

#endif
