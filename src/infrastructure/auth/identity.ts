import type { Role } from '../../application/auth/access-policy.js';

/** The verified caller of a request. */
export interface Identity {
  sub: string;
  /** Printed name for signatures; falls back to `sub`. */
  name: string;
  roles: Role[];
  /** The role that allowed this request's action. */
  role: Role;
  /** `X-On-Behalf-Of` when an integrator acts for a person. */
  onBehalfOf?: { id: string; name?: string };
}

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity;
  }
  interface FastifyContextConfig {
    access?: import('../../application/auth/access-policy.js').AccessAction;
    /** The route records an electronic signature: it needs a recent sign-in (recent-authentication.ts). */
    signs?: boolean;
  }
}
