// A Herald subscriber token with nimbus-jose-jwt (com.nimbusds:nimbus-jose-jwt).
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

public class MintToken {
    public static void main(String[] args) throws Exception {
        byte[] secret = System.getenv("HERALD_JWT_SECRET").getBytes(StandardCharsets.UTF_8); // herald.auth.jwt.hs256-secret
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("user-42")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(15))))
                .claim("herald.subscribe", List.of("orders.*"))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new MACSigner(secret));
        System.out.println(jwt.serialize());
    }
}
