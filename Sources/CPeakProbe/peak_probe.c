#include "peak_probe.h"
#include <immintrin.h>
#include <time.h>

static double thread_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* 12 independent accumulators hide the FMA latency on both units; each run returns the sum of
   all of them, so that none of the chains is dead code. */
#define CHAINS 12

__attribute__((target("avx2,fma"))) static double run_avx2(long iterations) {
  __m256 acc[CHAINS];
  for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_set1_ps((float)i * 1e-3f);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (long n = 0; n < iterations; n++)
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  float out[8];
  __m256 sum = acc[0];
  for (int i = 1; i < CHAINS; i++) sum = _mm256_add_ps(sum, acc[i]);
  _mm256_storeu_ps(out, sum);
  return out[0];
}

__attribute__((target("avx512f"))) static double run_avx512(long iterations) {
  __m512 acc[CHAINS];
  for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float)i * 1e-3f);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (long n = 0; n < iterations; n++)
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  /* Every chain feeds the result, so the compiler cannot drop any of them. */
  __m512 sum = acc[0];
  for (int i = 1; i < CHAINS; i++) sum = _mm512_add_ps(sum, acc[i]);
  return _mm512_reduce_add_ps(sum);
}

double fa_fma_peak_gflops(int milliseconds, int *vector_bits) {
  __builtin_cpu_init();
  int bits = __builtin_cpu_supports("avx512f") ? 512 : (__builtin_cpu_supports("fma") ? 256 : 0);
  if (vector_bits) *vector_bits = bits;
  if (bits == 0) return 0;
  const int lanes = bits / 32;
  long iterations = 1 << 20;
  double best = 0, sink = 0;
  double deadline = thread_seconds() + milliseconds * 1e-3;
  while (thread_seconds() < deadline) {
    double t0 = thread_seconds();
    sink += bits == 512 ? run_avx512(iterations) : run_avx2(iterations);
    double dt = thread_seconds() - t0;
    double gflops = (double)iterations * CHAINS * lanes * 2 / dt / 1e9;
    if (gflops > best) best = gflops;
  }
  return sink == 12345.678 ? -1 : best; /* keeps the work observable */
}
