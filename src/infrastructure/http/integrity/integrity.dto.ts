import { ApiProperty } from '@nestjs/swagger';
import { UuidParameter, WholeNumberParameter } from '../validation/query.validators.js';

const BASE64_HASH = 'Base64 (RFC 4648 §4) of a SHA-256 hash';

export class IntegrityJwkDto {
  @ApiProperty({ enum: ['OKP'] }) kty!: 'OKP';
  @ApiProperty({ enum: ['Ed25519'] }) crv!: 'Ed25519';
  @ApiProperty({ description: 'The 32-byte public key, base64url' }) x!: string;
  @ApiProperty({ example: 'c74f20a3', description: 'The signed-note key ID' }) kid!: string;
  @ApiProperty({ enum: ['EdDSA'] }) alg!: 'EdDSA';
  @ApiProperty({ enum: ['sig'] }) use!: 'sig';
}

export class IntegrityPublicKeyDto {
  @ApiProperty({
    example: 'xray-second-opinion/integrity-log',
    description: "The signed-note key name, which is also the checkpoints' origin line",
  })
  keyName!: string;

  @ApiProperty({ example: 'c74f20a3', description: 'The signed-note key ID (hex)' })
  keyId!: string;

  @ApiProperty({
    example: 'xray-second-opinion/integrity-log+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    description: 'C2SP verifier key, as note verifiers and witnesses are configured with it',
  })
  verifierKey!: string;

  @ApiProperty({ description: 'SPKI PEM' })
  pem!: string;

  @ApiProperty({ type: IntegrityJwkDto, description: 'RFC 8037 JWK' })
  jwk!: IntegrityJwkDto;
}

export class CheckpointDto {
  @ApiProperty({ enum: ['xray-integrity-checkpoint/v1'] })
  format!: 'xray-integrity-checkpoint/v1';

  @ApiProperty({ example: 'xray-second-opinion/integrity-log' })
  origin!: string;

  @ApiProperty({ example: 1207 })
  treeSize!: number;

  @ApiProperty({ description: `${BASE64_HASH}: the RFC 9162 tree root` })
  rootHash!: string;

  @ApiProperty({
    example: '2026-11-20T09:30:00.000Z',
    description: 'When it was signed (cosigned in the note)',
  })
  signedAt!: string;

  @ApiProperty({
    description:
      'The C2SP signed note (tlog-checkpoint body; an Ed25519 signature and a timestamped Ed25519 cosignature by the log key): what verifiers check',
  })
  note!: string;

  @ApiProperty({ description: 'The signing key as a C2SP verifier key' })
  verifierKey!: string;

  @ApiProperty({ description: 'The signing key as SPKI PEM' })
  publicKeyPem!: string;
}

export class InclusionProofDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: 17, description: "The event's place in the log (0-based)" }) leafIndex!: number;
  @ApiProperty({ example: 1207 }) treeSize!: number;
  @ApiProperty({ description: `${BASE64_HASH}: SHA-256(0x00 || the event's canonical hash)` })
  leafHash!: string;
  @ApiProperty({ description: `${BASE64_HASH}: the root at treeSize` }) rootHash!: string;
  @ApiProperty({ type: [String], description: 'RFC 9162 §2.1.3 audit path, base64 hashes from leaf to root' })
  proof!: string[];
}

export class ConsistencyProofDto {
  @ApiProperty({ example: 1000 }) from!: number;
  @ApiProperty({ example: 1207 }) to!: number;
  @ApiProperty({ description: `${BASE64_HASH}: the root at from` }) fromRootHash!: string;
  @ApiProperty({ description: `${BASE64_HASH}: the root at to` }) toRootHash!: string;
  @ApiProperty({ type: [String], description: 'RFC 9162 §2.1.4 consistency path, base64 hashes' })
  proof!: string[];
}

/** `?eventId=&treeSize=`: eventId is required (checked by the route), treeSize defaults to the latest checkpoint's. */
export class InclusionProofQueryDto {
  @UuidParameter({ description: 'The event (required)' })
  eventId?: string;

  @WholeNumberParameter({ description: "The tree's size; default: the latest checkpoint's" })
  treeSize?: number;
}

/** `?from=&to=`: both required (checked by the route). */
export class ConsistencyProofQueryDto {
  @WholeNumberParameter({ description: 'The earlier tree size, from 1 (required)' })
  from?: number;

  @WholeNumberParameter({ description: 'The later tree size, at most the leaves logged (required)' })
  to?: number;
}
