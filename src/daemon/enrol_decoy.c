/*
 * enrol_decoy.c -- the work an unknown KpmId costs on the bootstrap listener.
 *
 * A known KpmId costs its PSK lookup a store read, the unwrapping of Kpm under the
 * KEK and a read of the Enrolee's Targets; an unknown one, a single index probe.
 * That difference is measurable from the network (tests/integration/
 * test_hostile_probe.sh saw ~15 us at the median), and would tell a prober which
 * KpmIds exist despite the dummy PSK. So every PSK lookup is balanced to one miss
 * and one hit: an unknown identity is followed by the lookup of a real Enrolee, the
 * decoy, and a known one by the lookup of an identity that cannot exist; both
 * results are thrown away. Each worker keeps its own decoy: the last known KpmId it
 * looked up, or, before any, the first PSK Enrolee of the store (looked for at most
 * once a second while there is none).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/conn.h"
#include "daemon/daemon.h"
#include "crypto/rand.h"
#include "util/clock.h"
#include "util/hex.h"

#define DECOY_RETRY_US	1000000

static void	lookup_hit(struct worker *);

static enum mef_err
first_kpm(void *arg, const struct store_enrolee *e)
{
	struct worker	*w = arg;

	if (e->binding != STORE_BIND_KPM || e->is_revoked)
		return MEF_OK;
	snprintf(w->decoy_id, sizeof(w->decoy_id), "%s", e->kpm_id);
	return MEF_E_EXISTS;	/* found one: stop the listing */
}

/* A lookup that finds nothing: an identity no Enrolee can have (random). */
static void
lookup_miss(struct worker *w)
{
	struct store_enrolee	*e;
	struct mef_secret	*kpm = NULL;
	unsigned char		 r[16];

	if (w->decoy_miss[0] == '\0') {
		memcpy(w->decoy_miss, "~decoy-", 7);
		if (rand_bytes(r, sizeof(r)) != MEF_OK || hex_encode(r,
		    sizeof(r), 0, w->decoy_miss + 7, sizeof(w->decoy_miss) - 7) !=
		    MEF_OK)
			snprintf(w->decoy_miss, sizeof(w->decoy_miss), "~decoy-");
	}
	e = malloc(sizeof(*e));	/* store_enrolee_get() fills it */
	if (e == NULL)
		return;
	(void)store_enrolee_get(w->store, w->decoy_miss, e, &kpm);
	mef_secret_free(&kpm);
	free(e);
}

/* see conn.h */
void
enrol_decoy_balance(struct worker *w, const char *kpm_id, enum mef_err rc)
{
	if (rc == MEF_OK) {
		if (strcmp(w->decoy_id, kpm_id) != 0)
			snprintf(w->decoy_id, sizeof(w->decoy_id), "%s", kpm_id);
		lookup_miss(w);
	} else if (rc == MEF_E_NOTFOUND || rc == MEF_E_INVAL)
		lookup_hit(w);
}

/* The lookup of a real Enrolee, the decoy. */
static void
lookup_hit(struct worker *w)
{
	struct store_enrolee	*e;
	struct mef_secret	*kpm = NULL;
	uint64_t		 now;

	if (w->decoy_id[0] == '\0') {
		now = clock_mono_us();
		if (w->decoy_try_us != 0 && now - w->decoy_try_us < DECOY_RETRY_US)
			return;
		w->decoy_try_us = now;
		(void)store_enrolee_list(w->store, first_kpm, w);
		if (w->decoy_id[0] == '\0')
			return;
	}
	e = malloc(sizeof(*e));	/* store_enrolee_get() fills it */
	if (e == NULL)
		return;
	if (store_enrolee_get(w->store, w->decoy_id, e, &kpm) == MEF_E_NOTFOUND)
		w->decoy_id[0] = '\0';	/* removed meanwhile: find another */
	mef_secret_free(&kpm);
	free(e);
}
