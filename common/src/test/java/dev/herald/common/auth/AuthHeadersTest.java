package dev.herald.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AuthHeadersTest {

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', value = {"Bearer abc|abc", "bearer abc|abc", "BEARER   abc  |abc", "Bearer|''", "  Bearer abc|abc"})
    void theCredentialsOfTheSchemeAreWhatFollowsIt(String authorization, String expected) {
        assertThat(AuthHeaders.credentials(authorization, AuthHeaders.BEARER)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', value = {"ApiKey abc", "Bearerabc", "Basic YTpi", "Bear abc"})
    void anotherSchemeGivesNoCredentials(String authorization) {
        assertThat(AuthHeaders.credentials(authorization, AuthHeaders.BEARER)).isNull();
    }

    @Test
    void noHeaderGivesNoCredentials() {
        assertThat(AuthHeaders.credentials(null, AuthHeaders.API_KEY)).isNull();
    }

    @Test
    void theChallengeForMissingCredentialsNamesOnlyTheRealm() {
        assertThat(AuthHeaders.challenge(AuthHeaders.BEARER, null)).isEqualTo("Bearer realm=\"herald\"");
        assertThat(AuthHeaders.challenge(AuthHeaders.BEARER, new AuthException(AuthFailure.TOKEN_MISSING, "none")))
                .isEqualTo("Bearer realm=\"herald\"");
    }

    @Test
    void theChallengeForRefusedCredentialsCarriesTheReasonCode() {
        assertThat(AuthHeaders.challenge(AuthHeaders.BEARER, new AuthException(AuthFailure.TOKEN_EXPIRED, "expired")))
                .isEqualTo("Bearer realm=\"herald\", error=\"invalid_token\", error_description=\"token_expired\"");
    }
}
