/*
 * simd.c - which vector instructions this machine runs (see simd.h).
 */
#include "sim/simd.h"

static int baseline_only;

int simd_avx2(void)
{
#if SIMD_X86
    /* libgcc reads the processor's features before main; AVX2 counts only
     * when the system saves the AVX registers too */
    return !baseline_only && __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

void simd_baseline(int on)
{
    baseline_only = on != 0;
}
