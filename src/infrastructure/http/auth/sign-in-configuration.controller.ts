import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { developmentSignInOffered } from '../../auth/development-sign-in.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { SignInConfigurationDto } from './auth.dto.js';

/** Public: the web app asks it before anyone has signed in, to know which sign-in to offer. */
@ApiTags('sign-in')
@Controller('api/v1/auth')
export class SignInConfigurationController {
  private readonly answer: SignInConfigurationDto;

  constructor(@Inject(RUNTIME_CONFIG) config: RuntimeConfig) {
    const oidc = config.auth.oidc;
    this.answer = {
      developmentSignIn: developmentSignInOffered(config),
      // What a browser client needs, and nothing it need not know (not the JWKS, not any secret).
      oidc: oidc
        ? {
            issuer: oidc.issuer,
            clientId: oidc.clientId,
            scope: oidc.scope,
            ...(oidc.resource !== undefined && { resource: oidc.resource }),
          }
        : null,
    };
  }

  @Get('configuration')
  @ApiOperation({
    summary: 'How to sign in: the development sign-in, an OpenID provider, or neither (no token needed)',
  })
  @ApiOkResponse({ type: SignInConfigurationDto })
  configuration(): SignInConfigurationDto {
    return this.answer;
  }
}
