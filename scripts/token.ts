/**
 * Prints a development token: `npm run token -- --sub rad-1 --roles radiologist [--name "Dr A"] [--ttl 8h]`.
 * Reads the engine's configuration: signs with AUTH_JWT_SECRET, else with the development secret
 * the engine keeps under DATA_DIR, and sets AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE when they are set.
 * Each token is a fresh sign-in (`auth_time` now): it signs opinions, reviews, adjudications and
 * addenda for SIGNING_MAX_AGE seconds (default 300), reads for its whole `--ttl`; to sign later, print a new one.
 */
import { parseArgs } from 'node:util';
import { ensureDevelopmentSecret } from '../src/infrastructure/auth/development-secret.js';
import { DEVELOPMENT_TOKEN_TTL, signDevelopmentToken } from '../src/infrastructure/auth/development-token.js';
import { ROLES, type Role } from '../src/application/auth/access-policy.js';
import { ConfigurationError, loadConfig } from '../src/infrastructure/config/app-config.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    roles: { type: 'string', default: '' },
    name: { type: 'string' },
    ttl: { type: 'string', default: DEVELOPMENT_TOKEN_TTL },
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
const isRole = (role: string): role is Role => (ROLES as readonly string[]).includes(role);
const unknown = roles.filter((role) => !isRole(role));
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
if (!auth.jwtSecret && auth.oidc) {
  // The engine makes no development secret when it has an OpenID provider: such a token would be refused.
  process.stderr.write('OIDC_ISSUER is set: sign in through the OpenID provider, or set AUTH_JWT_SECRET.\n');
  process.exit(2);
}
const secret = auth.jwtSecret ?? (await ensureDevelopmentSecret(dataDir));
const { accessToken } = await signDevelopmentToken(
  { sub: values.sub, name: values.name, roles: roles.filter(isRole) },
  { secret, issuer: auth.issuer, audience: auth.audience },
  values.ttl,
);
process.stdout.write(`${accessToken}\n`);
