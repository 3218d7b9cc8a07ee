import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { ROLES, type Role } from '../../../application/auth/access-policy.js';
import { ActorIdProperty } from '../case/dto/common.dto.js';
import { IsSafeText, Optional } from '../validation/text.validators.js';

/** The longest printed name a token carries (the verifier cuts longer ones). */
const NAME_MAX = 200;

export class DevelopmentSignInDto {
  @ActorIdProperty("Who signs in: the token's sub", 'coord-1')
  sub!: string;

  @ApiPropertyOptional({ maxLength: NAME_MAX, example: 'Casey Coordinator', description: 'Default: sub' })
  @Optional()
  @IsSafeText(NAME_MAX)
  name?: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['coordinator'] })
  @IsArray()
  @ArrayMinSize(1, { message: 'roles must name at least one role' })
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique({ message: 'roles must not name a role twice' })
  @IsIn(ROLES, { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles!: Role[];
}

export class AccessTokenDto {
  @ApiProperty({ description: 'An HS256 JWT; send it as Authorization: Bearer <token>' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ example: 28800, description: 'Seconds until the token expires' })
  expiresIn!: number;
}

export class OidcClientDto {
  @ApiProperty({ example: 'https://login.example-hospital.org/realms/radiology' })
  issuer!: string;

  @ApiProperty({ example: 'second-opinion-web' })
  clientId!: string;

  @ApiProperty({ example: 'openid profile' })
  scope!: string;

  @ApiPropertyOptional({
    example: 'https://second-opinion.example-hospital.org/api',
    description: 'The resource indicator (RFC 8707) to ask access tokens for; they must carry it as aud',
  })
  resource?: string;
}

export class SignInConfigurationDto {
  @ApiProperty({
    description:
      'Whether POST /api/v1/auth/development-sign-in is offered (only on the generated development secret, outside production, without OIDC)',
  })
  developmentSignIn!: boolean;

  @ApiProperty({
    type: OidcClientDto,
    nullable: true,
    description: 'Sign-in through this OpenID provider (authorization code with PKCE), or null',
  })
  oidc!: OidcClientDto | null;
}
