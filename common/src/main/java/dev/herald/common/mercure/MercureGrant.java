package dev.herald.common.mercure;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.common.auth.AuthException;
import dev.herald.common.auth.AuthFailure;
import dev.herald.common.auth.TokenVerifier;
import dev.herald.common.http.JsonResponses;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * What a Mercure token allows: the {@code mercure.publish} and {@code mercure.subscribe} topic selectors of
 * its {@code mercure} claim (absent: nothing), its {@code exp} (absent: none), and its {@code sub} and
 * {@code jti} (null when absent), by which {@code POST /v1/disconnect} ends its streams. Immutable.
 *
 * @param payload {@code mercure.payload}, any JSON value the token's issuer chose to describe the subscriber
 *                with (shown in its subscriptions), or {@code null} when absent
 */
public record MercureGrant(TopicSelectors publish, TopicSelectors subscribe, Instant expiresAt, String subject, String tokenId,
                           JsonNode payload) {
    public static final String CLAIM = "mercure";

    /** Verifies {@code token} (signature, times, issuer, audience; {@code exp} optional) and reads its claim. */
    public static MercureGrant verify(TokenVerifier verifier, String token) {
        JWTClaimsSet claims = verifier.verifiedClaims(token, false);
        Object claim = claims.getClaim(CLAIM);
        if (claim != null && !(claim instanceof Map<?, ?>)) {
            throw new AuthException(AuthFailure.TOKEN_MALFORMED, "token claim 'mercure' must be an object");
        }
        Map<?, ?> mercure = claim == null ? Map.of() : (Map<?, ?>) claim;
        Date exp;
        try {
            exp = claims.getDateClaim("exp");
        } catch (ParseException e) {
            throw new AuthException(AuthFailure.TOKEN_MALFORMED, "token claim 'exp' is not a number of seconds");
        }
        Object payload = mercure.get("payload");
        return new MercureGrant(selectors(mercure, "publish"), selectors(mercure, "subscribe"), exp == null ? null : exp.toInstant(),
                claims.getSubject(), claims.getJWTID(), payload == null ? null : JsonResponses.MAPPER.valueToTree(payload));
    }

    private static TopicSelectors selectors(Map<?, ?> mercure, String name) {
        Object value = mercure.get(name);
        if (value == null) {
            return TopicSelectors.NONE;
        }
        if (!(value instanceof List<?> list)) {
            throw new AuthException(AuthFailure.TOKEN_MALFORMED, "token claim 'mercure." + name + "' must be an array of topic selectors");
        }
        List<String> selectors = new ArrayList<>(list.size());
        for (Object s : list) {
            if (!(s instanceof String text)) {
                throw new AuthException(AuthFailure.TOKEN_MALFORMED, "token claim 'mercure." + name + "' must be an array of strings");
            }
            selectors.add(text);
        }
        try {
            return TopicSelectors.of(selectors);
        } catch (IllegalArgumentException e) {
            throw new AuthException(AuthFailure.TOKEN_MALFORMED, "token claim 'mercure." + name + "': " + e.getMessage());
        }
    }
}
