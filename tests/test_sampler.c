/*
 * test_sampler.c - the Poisson and binomial samplers are exact:
 * chi-square tests of 200,000 draws against the true probabilities, over a
 * grid of parameters that covers inversion, transformed rejection and the
 * switch between them, drawn from cpcsim's own Philox streams; and the
 * exp that Poisson inversion starts from.
 */
#include "testutil.h"

#include <gsl/gsl_errno.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "sim/rng.h"
#include "sim/sampler.h"
#include "sim/simd.h"

enum { DRAWS = 200000, MAXK = 4000 };

/* Pearson's chi-square of counts against probabilities pmf(k), pooling
 * outcomes with expected counts below 5 into their neighbours; returns the
 * p-value. */
static double chi_square_p(const unsigned *counts, const double *pmf, size_t nk)
{
    double chi = 0, obs = 0, exp_ = 0;
    int cells = 0;
    for (size_t k = 0; k < nk; k++) {
        obs += counts[k];
        exp_ += pmf[k] * DRAWS;
        if (exp_ >= 5 || k + 1 == nk) {
            chi += (obs - exp_) * (obs - exp_) / (exp_ > 0 ? exp_ : 1);
            obs = exp_ = 0;
            cells++;
        }
    }
    return gsl_cdf_chisq_Q(chi, cells - 1);
}

static void poisson_matches_its_distribution(void **state)
{
    (void)state;
    static const double mus[] = { 0.2, 1, 3.5, 9.5, 10, 15, 24, 30, SAMPLER_POISSON_SWITCH - 1e-3, SAMPLER_POISSON_SWITCH,
                                  SAMPLER_POISSON_SWITCH + 1e-3, 55, 150, 2500 };
    gsl_rng *r = rng_new();
    static unsigned counts[MAXK];
    static double pmf[MAXK];
    for (size_t i = 0; i < sizeof mus / sizeof mus[0]; i++) {
        double mu = mus[i];
        memset(counts, 0, sizeof counts);
        size_t hi = (size_t)(mu + 12 * sqrt(mu) + 20);
        assert_true(hi < MAXK);
        rng_select(r, 99, i, RNG_ARRIVALS, 0);
        double sum = 0;
        for (int n = 0; n < DRAWS; n++) {
            unsigned long k = sampler_poisson(r, mu);
            counts[k < hi ? k : hi - 1]++;
            sum += (double)k;
        }
        double tail = 1;
        for (size_t k = 0; k + 1 < hi; k++) {
            pmf[k] = gsl_ran_poisson_pdf((unsigned)k, mu);
            tail -= pmf[k];
        }
        pmf[hi - 1] = tail > 0 ? tail : 0;
        double p = chi_square_p(counts, pmf, hi);
        if (p < 1e-4)
            fail_msg("Poisson mean %g: chi-square p-value %g", mu, p);
        assert_true(fabs(sum / DRAWS - mu) < 5 * sqrt(mu / DRAWS));
    }
    assert_int_equal(sampler_poisson(r, 0), 0);
    assert_int_equal(sampler_poisson(r, -1), 0);
    rng_free(r);
}

static void binomial_matches_its_distribution(void **state)
{
    (void)state;
    static const struct {
        unsigned long n;
        double p;
    } cases[] = {
        { 1, 0.3 }, { 20, 0.1 }, { 200, 0.05 }, { 400, 0.03 }, { 600, 0.0499 }, { 600, 0.05 }, { 600, 0.0501 },
        { 120, 0.2 }, { 64, 0.46 }, { 2000, 0.014 },
        { 1000, 0.5 }, { 1000, 0.97 }, { 33, 0.7 }, { 100000, 0.02 }, { 5000, 0.4 },
    };
    gsl_rng *r = rng_new();
    static unsigned counts[MAXK];
    static double pmf[MAXK];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned long n = cases[i].n;
        double prob = cases[i].p, mean = (double)n * prob, sd = sqrt(mean * (1 - prob));
        size_t lo = mean - 12 * sd - 10 > 0 ? (size_t)(mean - 12 * sd - 10) : 0;
        size_t hi = (size_t)(mean + 12 * sd + 10);
        if (hi > n + 1)
            hi = n + 1;
        assert_true(hi - lo < MAXK);
        memset(counts, 0, sizeof counts);
        rng_select(r, 7, i, RNG_CHURN, 0);
        for (int d = 0; d < DRAWS; d++) {
            unsigned long k = sampler_binomial(r, prob, n);
            assert_true(k <= n);
            size_t at = k < lo ? 0 : k - lo >= hi - lo ? hi - lo - 1 : k - lo;
            counts[at]++;
        }
        double below = gsl_cdf_binomial_P((unsigned)lo, prob, (unsigned)n) -
                       gsl_ran_binomial_pdf((unsigned)lo, prob, (unsigned)n);
        double total = 0;
        for (size_t k = lo; k < hi; k++) {
            pmf[k - lo] = gsl_ran_binomial_pdf((unsigned)k, prob, (unsigned)n);
            total += pmf[k - lo];
        }
        pmf[0] += below > 0 ? below : 0;
        pmf[hi - lo - 1] += 1 - total - (below > 0 ? below : 0) > 0 ? 1 - total - below : 0;
        double p = chi_square_p(counts, pmf, hi - lo);
        if (p < 1e-4)
            fail_msg("binomial n %lu p %g: chi-square p-value %g", n, prob, p);
    }
    assert_int_equal(sampler_binomial(r, 0.5, 0), 0);
    assert_int_equal(sampler_binomial(r, 0, 10), 0);
    assert_int_equal(sampler_binomial(r, 1, 10), 10);
    rng_free(r);
}

/* sampler_exp_neg is within 1.5 ulps of exp(-x) worked out in long double
 * over [0, SAMPLER_EXP_MAX], exact at 0, and its lanes give its bits with
 * either vector width. */
static void exp_neg_is_close_and_the_same_in_lanes(void **state)
{
    (void)state;
    enum { N = 1001 };
    static double x[N + 8], lanes[N + 8];
    for (int i = 0; i < N; i++) /* evenly spread, each nudged off the grid */
        x[i] = SAMPLER_EXP_MAX * i / (N - 1) * (1 - 1e-7 * (i % 13));
    x[N - 1] = SAMPLER_EXP_MAX;
    for (int i = N; i < N + 8; i++)
        x[i] = 1;
    double worst = 0;
    for (int i = 0; i < N; i++) {
        double e = sampler_exp_neg(x[i]);
        long double exact = expl(-(long double)x[i]);
        double ulp = nextafter(e, INFINITY) - e;
        double off = (double)(fabsl((long double)e - exact) / ulp);
        worst = off > worst ? off : worst;
    }
    if (worst > 1.5)
        fail_msg("sampler_exp_neg is %g ulps from exp", worst);
    assert_true(sampler_exp_neg(0) == 1);
    for (int baseline = 0; baseline < 2; baseline++) {
        simd_baseline(baseline);
        sampler_exp_neg_lanes(x, N, lanes);
        for (int i = 0; i < N; i++)
            if (memcmp(&lanes[i], &(double){ sampler_exp_neg(x[i]) }, sizeof(double)) != 0)
                fail_msg("lane %d (baseline %d): %a against %a", i, baseline, lanes[i], sampler_exp_neg(x[i]));
    }
    simd_baseline(0);
}

/* Lanes drawn together give, bit for bit, what each lane's own draws give,
 * and take the same words from each lane's stream: lanes of every kind
 * (inversion, rejection, no trials, a certain outcome, p above 1/2), an odd
 * count, and for the Poisson means on both sides of the switch.  With the
 * searches the machine runs (eight lanes to two AVX2 registers on most
 * x86-64; STATE NULL) or the baseline ones (four lanes to two SSE2
 * registers). */
static void lanes_draw_as_one_by_one(void **state)
{
    simd_baseline(*state != NULL);
    enum { NL = 37 };
    gsl_rng *a[NL], *b[NL];
    for (int j = 0; j < NL; j++) {
        a[j] = rng_new();
        b[j] = rng_new();
    }
    const double ps[] = { 0.02, 0.3, 0.55, 0.97, 0, 1, 0.0499 };
    struct binomial_p prep[7];
    for (int i = 0; i < 7; i++)
        sampler_binomial_prepare(ps[i], &prep[i]);
    gsl_rng *ra = rng_new();
    rng_select(ra, 4, 0, RNG_PARAM, 0);
    for (int round = 0; round < 400; round++) {
        const struct binomial_p *bp[NL];
        unsigned long n[NL], got[NL];
        double mu[NL];
        for (int j = 0; j < NL; j++) {
            rng_select(a[j], 9, (uint64_t)(round * NL + j), RNG_CHURN, 1);
            rng_select(b[j], 9, (uint64_t)(round * NL + j), RNG_CHURN, 1);
            bp[j] = &prep[gsl_rng_uniform_int(ra, 7)];
            unsigned long sizes[] = { 0, 1, 7, 40, 300, 601, 5000, 100000 };
            n[j] = sizes[gsl_rng_uniform_int(ra, 8)];
            double means[] = { 0, -1, 0.3, 4, 9.9, 35, SAMPLER_POISSON_SWITCH - 1e-3, SAMPLER_POISSON_SWITCH, 400 };
            mu[j] = means[gsl_rng_uniform_int(ra, 9)] * (1 + gsl_rng_uniform(ra) * 1e-3);
        }
        size_t count = (size_t)(round % NL) + 1;
        sampler_poisson_lanes(a, mu, count, got);
        for (size_t j = 0; j < count; j++)
            assert_int_equal(got[j], sampler_poisson(b[j], mu[j]));
        sampler_binomial_lanes(a, bp, n, count, got);
        for (size_t j = 0; j < count; j++)
            assert_int_equal(got[j], sampler_binomial_prepared(b[j], bp[j], n[j]));
        for (size_t j = 0; j < count; j++) /* the streams are at the same word */
            assert_int_equal(gsl_rng_get(a[j]), gsl_rng_get(b[j]));
    }
    for (int j = 0; j < NL; j++) {
        rng_free(a[j]);
        rng_free(b[j]);
    }
    rng_free(ra);
    simd_baseline(0);
}

/* The first blocks made eight (AVX2) or four at a time are
 * Philox4x32-10's (Random123's known answers), each stream's first four
 * words (a generator selected on the stream gives them, last first), for
 * counts that leave 0 to 7 blocks past the groups of eight, and in place.
 * With the machine's AVX2 rounds (STATE NULL) or the baseline's. */
static void first_blocks_are_the_streams_first_words(void **state)
{
    simd_baseline(*state != NULL);
    const rng_block kat_in[3] = { { { 0, 0, 0, 0 } },
                                  { { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff } },
                                  { { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344 } } };
    const uint64_t kat_seed[3] = { 0, UINT64_C(0xffffffffffffffff), UINT64_C(0x299f31d0a4093822) };
    const uint32_t kat_out[3][4] = { { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 },
                                     { 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd },
                                     { 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 } };
    for (int i = 0; i < 3; i++) {
        rng_block twelve[12], out[12];
        for (int k = 0; k < 12; k++)
            twelve[k] = kat_in[i];
        rng_first_blocks(kat_seed[i], twelve, 12, out);  /* eight and four at a time */
        rng_first_blocks(kat_seed[i], twelve, 1, twelve); /* one by one */
        for (int w = 0; w < 4; w++) {
            for (int k = 0; k < 12; k++)
                assert_int_equal(out[k].v[w], kat_out[i][w]);
            assert_int_equal(twelve[0].v[w], kat_out[i][w]);
        }
    }
    gsl_rng *r = rng_new();
    const enum rng_purpose purposes[] = { RNG_ARRIVALS, RNG_CHURN, RNG_PARAM, RNG_DEAL, RNG_FUNDING };
    for (size_t n = 0; n <= 19; n++) {
        rng_block blocks[19] = { { { 0 } } };
        uint64_t path[19];
        for (size_t i = 0; i < n; i++) {
            path[i] = (UINT64_C(1) << 40) * i + 977 * i + n;
            blocks[i] = rng_stream_counter(path[i], purposes[i % 5], (uint32_t)(i * 131 + 1)); /* as below */
        }
        const uint64_t seed = UINT64_C(0x123456789abc) + n;
        rng_first_blocks(seed, blocks, n, blocks);
        for (size_t i = 0; i < n; i++) {
            const uint32_t index = (uint32_t)(i * 131 + 1);
            rng_select(r, seed, path[i], purposes[i % 5], index);
            for (int w = 0; w < 4; w++)
                assert_int_equal(gsl_rng_get(r), blocks[i].v[3 - w]);
        }
    }
    rng_free(r);
    simd_baseline(0);
}

/* A uniform read off a first block is the one rng_uniform gives, first or
 * second, on a stream started at that block: for blocks with zeros in every
 * place (which rng_uniform skips), down to a block too short of nonzero
 * words, which says so; and rng_stream_uniform gives that uniform either
 * way, from the block or, past it, through the generator. */
static void block_uniforms_are_the_streams_uniforms(void **state)
{
    (void)state;
    gsl_rng *r = rng_new();
    for (unsigned zeros = 0; zeros < 16; zeros++) { /* bit w: word w is 0 */
        rng_block b;
        for (int w = 0; w < 4; w++)
            b.v[w] = zeros >> w & 1 ? 0 : 0x9E3779B9u * (uint32_t)(w + 1);
        unsigned nonzero = 4 - (unsigned)__builtin_popcount(zeros);
        for (unsigned nth = 0; nth < 2; nth++) {
            double got = -1, want = 0;
            int st = rng_block_uniform(&b, nth, &got);
            rng_select_from(r, 5, zeros, RNG_PARAM, 3, &b);
            for (unsigned k = 0; k <= nth; k++)
                want = rng_uniform(r);
            if (nth < nonzero) {
                assert_int_equal(st, 0);
                assert_true(got == want);
            } else {
                assert_int_equal(st, -1); /* the generator reads past the block */
            }
            gsl_rng *other = rng_new();
            assert_true(rng_stream_uniform(other, 5, zeros, RNG_PARAM, 3, &b, nth) == want);
            rng_free(other);
        }
    }
    rng_free(r);
}

/* The prestate that asks a test for the baseline vector bodies. */
static int baseline_bodies;

int main(void)
{
    gsl_set_error_handler_off(); /* as cpcsim's main does: statuses are checked instead */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(poisson_matches_its_distribution),
        cmocka_unit_test(binomial_matches_its_distribution),
        cmocka_unit_test(exp_neg_is_close_and_the_same_in_lanes),
        cmocka_unit_test_prestate(lanes_draw_as_one_by_one, NULL),
        cmocka_unit_test_prestate(lanes_draw_as_one_by_one, &baseline_bodies),
        cmocka_unit_test_prestate(first_blocks_are_the_streams_first_words, NULL),
        cmocka_unit_test_prestate(first_blocks_are_the_streams_first_words, &baseline_bodies),
        cmocka_unit_test(block_uniforms_are_the_streams_uniforms),
    };
    return cmocka_run_group_tests_name("sampler", tests, NULL, NULL);
}
