import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { signDevelopmentToken } from '../../auth/development-token.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { BodyValidationPipe } from '../validation/body-validation.pipe.js';
import { AccessTokenDto, DevelopmentSignInDto } from './auth.dto.js';

/**
 * Signs in as anyone with any role, without a password: registered only while
 * developmentSignInOffered (auth.module.ts), so that elsewhere the route does not exist (404).
 */
@ApiTags('sign-in')
@Controller('api/v1/auth')
export class DevelopmentSignInController {
  constructor(@Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig) {}

  @Post('development-sign-in')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Development only: a token for any actor id and roles, signed with the generated development secret (no token needed)',
  })
  @ApiCreatedResponse({ type: AccessTokenDto })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'Invalid sub, name or roles (errors[] lists them)',
  })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'Body over 256 KiB' })
  @ApiUnsupportedMediaTypeResponse({ type: ProblemDto, description: 'Body is not application/json' })
  async signIn(
    @Body(new BodyValidationPipe()) body: DevelopmentSignInDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenDto> {
    const { jwtSecret, issuer, audience } = this.config.auth;
    if (!jwtSecret) throw new Error('The development sign-in needs the development secret');
    const signed = await signDevelopmentToken(body, { secret: jwtSecret, issuer, audience });
    // A token is a credential: never kept by a cache (RFC 6749 §5.1).
    void reply.header('cache-control', 'no-store');
    return { ...signed, tokenType: 'Bearer' };
  }
}
