/**
 * Prints a development token: `npm run token -- --sub rad-1 --roles radiologist [--name "Dr A"] [--ttl 8h]`.
 * Reads the engine's configuration: signs with AUTH_JWT_SECRET, else with the development secret
 * the engine keeps under DATA_DIR, and sets AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE when they are set.
 */
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { ensureDevelopmentSecret } from '../src/infrastructure/auth/development-secret.js';
import { ROLES } from '../src/application/auth/access-policy.js';
import { ConfigurationError, loadConfig } from '../src/infrastructure/config/app-config.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    roles: { type: 'string', default: '' },
    name: { type: 'string' },
    ttl: { type: 'string', default: '8h' },
  },
});

if (!values.sub) {
  process.stderr.write(
    `Usage: npm run token -- --sub <actor id> --roles <${ROLES.join('|')}>[,…] [--name "Printed Name"] [--ttl 8h]\n`,
  );
  process.exit(2);
}
const roles = values.roles
  .split(',')
  .map((role) => role.trim())
  .filter(Boolean);
const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
if (unknown.length > 0) {
  process.stderr.write(`Unknown role(s): ${unknown.join(', ')}. Known: ${ROLES.join(', ')}\n`);
  process.exit(2);
}
let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigurationError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78); // EX_CONFIG, as the engine
}
const { auth, dataDir } = config;
const secret = auth.jwtSecret ?? (await ensureDevelopmentSecret(dataDir));
const jwt = new SignJWT({ roles, name: values.name ?? values.sub })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject(values.sub)
  .setIssuedAt()
  .setExpirationTime(values.ttl);
if (auth.issuer) jwt.setIssuer(auth.issuer);
if (auth.audience) jwt.setAudience(auth.audience);
const token = await jwt.sign(new TextEncoder().encode(secret));
process.stdout.write(`${token}\n`);
