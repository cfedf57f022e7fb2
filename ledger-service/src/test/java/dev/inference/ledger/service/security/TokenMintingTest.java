package dev.inference.ledger.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** No token can mint a token wider than itself, in role or in account. */
class TokenMintingTest {

    private static final Caller UNBOUND_ADMIN = new Caller("tok_a", Role.ADMIN, null);
    private static final Caller ADMIN_OF_A = new Caller("tok_b", Role.ADMIN, "acct-a");
    private static final Caller STAFF_OF_A = new Caller("tok_c", Role.STAFF, "acct-a");

    @Test
    void an_unbound_admin_may_mint_any_role_for_any_account_or_none() {
        assertThat(ApiTokens.wider(UNBOUND_ADMIN, Role.ADMIN, null)).isFalse();
        assertThat(ApiTokens.wider(UNBOUND_ADMIN, Role.GATEWAY, "acct-z")).isFalse();
    }

    @Test
    void a_bound_token_mints_only_for_its_own_account_never_an_unbound_one() {
        assertThat(ApiTokens.wider(ADMIN_OF_A, Role.GATEWAY, "acct-a")).isFalse();
        assertThat(ApiTokens.wider(ADMIN_OF_A, Role.GATEWAY, "acct-b")).isTrue();
        assertThat(ApiTokens.wider(ADMIN_OF_A, Role.ADMIN, null)).isTrue();
    }

    @Test
    void a_role_other_than_admin_mints_only_its_own_role() {
        assertThat(ApiTokens.wider(STAFF_OF_A, Role.STAFF, "acct-a")).isFalse();
        assertThat(ApiTokens.wider(STAFF_OF_A, Role.ADMIN, "acct-a")).isTrue();
        assertThat(ApiTokens.wider(STAFF_OF_A, Role.AUDITOR, "acct-a")).isTrue();
    }
}
