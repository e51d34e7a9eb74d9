// A Herald subscriber token with jose (npm install jose).
import { SignJWT } from 'jose';

const secret = new TextEncoder().encode(process.env.HERALD_JWT_SECRET); // herald.auth.jwt.hs256-secret
const token = await new SignJWT({ 'herald.subscribe': ['orders.*'] })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject('user-42')
  .setIssuedAt()
  .setExpirationTime('15m')
  .sign(secret);
console.log(token);
