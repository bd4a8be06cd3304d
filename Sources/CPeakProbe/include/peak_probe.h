#ifndef FACEADVERSARY_PEAK_PROBE_H
#define FACEADVERSARY_PEAK_PROBE_H

/* Measured single-core peak of fused multiply-adds, in GFLOP/s, for the widest vector unit this CPU
   has: AVX-512 when __builtin_cpu_supports("avx512f"), else AVX2+FMA, else 0. `vector_bits` receives
   512, 256 or 0. Runs independent FMA chains for about `milliseconds` of thread CPU time. */
double fa_fma_peak_gflops(int milliseconds, int *vector_bits);

#endif
