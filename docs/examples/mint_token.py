# A Herald subscriber token with PyJWT (pip install PyJWT; Debian: python3-jwt).
import os
import time

import jwt

secret = os.environ["HERALD_JWT_SECRET"]  # herald.auth.jwt.hs256-secret
now = int(time.time())
claims = {"sub": "user-42", "iat": now, "exp": now + 15 * 60, "herald.subscribe": ["orders.*"]}
print(jwt.encode(claims, secret, algorithm="HS256", headers={"typ": "JWT"}))
