import { Controller, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import {
  INTEGRITY_LOG,
  type IntegrityLog,
  IntegrityLogError,
  type IntegrityPublicKey,
  type LogCheckpoint,
} from '../../../application/integrity/integrity-log.port.js';
import { exportedCheckpoint } from '../../../application/integrity/integrity-log.js';
import type { ExportedCheckpoint } from '../../../application/integrity/checkpoint.js';
import { ProblemException } from '../problem/problem-exception.js';
import { ReadRoute } from '../read-route.decorator.js';
import { invalidParameters, QueryValidationPipe } from '../validation/query-validation.pipe.js';
import {
  CheckpointDto,
  ConsistencyProofDto,
  ConsistencyProofQueryDto,
  InclusionProofDto,
  InclusionProofQueryDto,
  IntegrityJwkDto,
  IntegrityPublicKeyDto,
} from './integrity.dto.js';

const PEM = 'application/x-pem-file';
const JWK = 'application/jwk+json';
const JSON_TYPE = 'application/json';
const TREE_SIZE = /^(0|[1-9]\d{0,15})$/;

function problemOf(error: unknown): unknown {
  if (!(error instanceof IntegrityLogError)) return error;
  return new ProblemException(error.code === 'event-not-in-log' ? 404 : 400, error.code, error.message);
}

const required = (values: Record<string, unknown>): void => {
  const missing = Object.entries(values).filter(([, value]) => value === undefined);
  if (missing.length > 0) {
    throw invalidParameters(missing.map(([field]) => ({ field, message: `${field} is required` })));
  }
};

/**
 * The verifiable log (docs/integrity.md). The public key, the checkpoints and consistency proofs
 * are public, like a transparency log's: they hold no case data (sizes and hashes), and witnesses
 * and verifiers must read them without an account here. An inclusion proof is asked for by event
 * id, which only those who may read the record know: it takes the audit trail's roles.
 */
@ApiTags('integrity')
@Controller('api/v1/integrity')
export class IntegrityController {
  constructor(@Inject(INTEGRITY_LOG) private readonly log: IntegrityLog) {}

  @ReadRoute({
    path: 'public-key',
    action: 'public',
    summary: "The log's Ed25519 public key (no token needed)",
    description: `JSON with the PEM, the JWK and the C2SP verifier key; \`Accept: ${PEM}\` answers the PEM alone, \`Accept: ${JWK}\` the JWK alone.`,
    ok: {
      description: 'The key in every form, or the one form Accept asks for',
      content: {
        [JSON_TYPE]: { schema: { $ref: getSchemaPath(IntegrityPublicKeyDto) } },
        [PEM]: { schema: { type: 'string' } },
        [JWK]: { schema: { $ref: getSchemaPath(IntegrityJwkDto) } },
      },
    },
  })
  @ApiExtraModels(IntegrityPublicKeyDto, IntegrityJwkDto)
  @ApiHeader({ name: 'Accept', required: false, description: `${PEM} or ${JWK} for one form alone` })
  publicKey(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): IntegrityPublicKey | IntegrityPublicKey['jwk'] | string {
    const key = this.log.publicKey();
    const accept = request.headers.accept;
    const wanted = accept
      ? new Negotiator({ headers: { accept } }).mediaType([JSON_TYPE, PEM, JWK])
      : JSON_TYPE;
    if (wanted === PEM) {
      void reply.type(PEM);
      return key.pem;
    }
    if (wanted === JWK) {
      void reply.type(JWK);
      return key.jwk;
    }
    return key;
  }

  private exported(checkpoint: LogCheckpoint | null, what: string): ExportedCheckpoint {
    if (!checkpoint) throw new ProblemException(404, 'no-checkpoint', what);
    return exportedCheckpoint(checkpoint, this.log.publicKey());
  }

  @ReadRoute({
    path: 'checkpoints/latest',
    action: 'public',
    summary: 'The newest signed checkpoint (no token needed)',
    description:
      'Save it: `npm run verify -- --checkpoint saved.json` later proves the log still extends it unchanged.',
    ok: { type: CheckpointDto },
    notFound: 'no-checkpoint: none is signed yet',
  })
  async latest(): Promise<ExportedCheckpoint> {
    return this.exported(await this.log.latestCheckpoint(), 'No checkpoint is signed yet; retry shortly.');
  }

  @ReadRoute({
    path: 'checkpoints/:treeSize',
    action: 'public',
    summary: 'The signed checkpoint of exactly this tree size (no token needed)',
    ok: { type: CheckpointDto },
    badRequest: true,
    notFound: 'no-checkpoint: none was signed at that size',
  })
  @ApiParam({ name: 'treeSize', schema: { type: 'integer', minimum: 0 } })
  async ofSize(@Param('treeSize') treeSize: string): Promise<ExportedCheckpoint> {
    if (!TREE_SIZE.test(treeSize)) {
      throw invalidParameters([{ field: 'treeSize', message: 'treeSize must be a whole number from 0' }]);
    }
    return this.exported(
      await this.log.checkpoint(Number(treeSize)),
      `No checkpoint was signed at tree size ${treeSize}; checkpoints/latest names the newest.`,
    );
  }

  @ReadRoute({
    path: 'proofs/inclusion',
    action: 'read-inclusion-proof',
    summary: "An event's inclusion proof (RFC 9162 §2.1.3) in the tree of treeSize leaves",
    description:
      'Verify it against the checkpoint of that size: hash the audit path from leafHash up to rootHash.',
    ok: { type: InclusionProofDto },
    badRequest: 'validation-failed, or tree-size-out-of-range: treeSize must include the event and be logged',
    notFound: 'event-not-in-log: no such event, or not logged yet',
  })
  async inclusion(@Query(QueryValidationPipe) query: InclusionProofQueryDto): Promise<InclusionProofDto> {
    required({ eventId: query.eventId });
    try {
      return await this.log.inclusionProof(query.eventId!, query.treeSize);
    } catch (error) {
      throw problemOf(error);
    }
  }

  @ReadRoute({
    path: 'proofs/consistency',
    action: 'public',
    summary:
      'The consistency proof (RFC 9162 §2.1.4) from the tree of `from` leaves to that of `to` (no token needed)',
    ok: { type: ConsistencyProofDto },
    badRequest: 'validation-failed, or tree-size-out-of-range: 1 ≤ from ≤ to ≤ the leaves logged',
  })
  async consistency(
    @Query(QueryValidationPipe) query: ConsistencyProofQueryDto,
  ): Promise<ConsistencyProofDto> {
    required({ from: query.from, to: query.to });
    try {
      return await this.log.consistencyProof(query.from!, query.to!);
    } catch (error) {
      throw problemOf(error);
    }
  }
}
