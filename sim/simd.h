/*
 * simd.h - which vector instructions this machine runs.
 *
 * Hot loops that work on many lanes at once (the lane bodies, see
 * lanes_bodies.inc) are compiled twice on x86-64: for the baseline (SSE2,
 * which every x86-64 has) and for AVX2, chosen at run time.  Both give the
 * same bits: each lane takes exactly the scalar operations, and no
 * multiply-add is fused (-ffp-contract=off), so cpcsim's results do not
 * depend on which body runs.
 */
#ifndef CPC_SIMD_H
#define CPC_SIMD_H

#if defined(__GNUC__) && defined(__x86_64__)
#define SIMD_X86 1
#else
#define SIMD_X86 0
#endif

/* Nonzero when the AVX2 bodies run: the processor (and the system) has
 * AVX2, and simd_baseline has not turned them off. */
int simd_avx2(void);
/* ON nonzero: run the baseline bodies only, even where AVX2 is there (the
 * tests compare the two).  Not to be called while simulating. */
void simd_baseline(int on);

#endif
