import { createHash } from 'node:crypto';
import { Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AccessRecorder } from '../../../projections/access-log/access-recorder.js';
import { type HttpExchange, Exchange } from '../case/command-context.js';
import { CaseDossiers } from '../../dossier/case-dossier.service.js';
import { renderDossierPdf } from '../../dossier/dossier-pdf.js';
import { noteAskedHistoryPoint } from '../audit/refused-access.hook.js';
import { recordRead } from '../audit/request-origin.js';
import { CaseIdParam } from '../case/case-id.pipe.js';
import { ReadRoute } from '../read-route.decorator.js';
import { QueryValidationPipe } from '../validation/query-validation.pipe.js';
import { DossierQueryDto } from './dossier-query.dto.js';

const CONTENT_TYPES = { pdf: 'application/pdf', json: 'application/json; charset=utf-8' } as const;

/**
 * The case dossier (docs/api.md "Case dossier"): a PDF/A-3b document for medico-legal teams with the
 * evidence bundle embedded, or the bundle alone. The access that issues it records its SHA-256.
 */
@ApiTags('cases')
@Controller('api/v1/cases')
export class DossierController {
  constructor(
    private readonly dossiers: CaseDossiers,
    private readonly access: AccessRecorder,
  ) {}

  @ReadRoute({
    path: ':caseId/dossier',
    action: 'read-dossier',
    summary: 'The case dossier: a PDF/A-3b document with its evidence bundle embedded, or the bundle alone',
    description:
      'Case summary, timeline, what each reader was shown, opinions and adjudication with signature ' +
      'manifestations, RADPEER scores, access log and integrity verdict. The same case, revision and ' +
      'checkpoint give the same bytes; `Repr-Digest` carries their SHA-256, which the access log records.',
    ok: {
      description: '`application/pdf`, or with `format=json` the evidence bundle (`application/json`)',
      content: {
        'application/pdf': { schema: { type: 'string', format: 'binary' } },
        'application/json': { schema: { type: 'object', description: 'The evidence bundle' } },
      },
    },
    badRequest: true,
    notFound: 'No such case, or no such revision of it',
  })
  async dossier(
    @CaseIdParam() caseId: string,
    @Query(QueryValidationPipe) query: DossierQueryDto,
    @Exchange() { identity, request, reply }: HttpExchange,
  ): Promise<Buffer> {
    const point = query.revision === undefined ? undefined : { revision: query.revision };
    // The access log records the revision asked for, whether the dossier is issued or refused.
    noteAskedHistoryPoint(request, point);
    const format = query.format ?? 'pdf';
    const { dossier, bundle, bundleBytes } = await this.dossiers.assemble(caseId, query, {
      id: identity.sub,
      roles: identity.roles,
    });
    const body = format === 'json' ? bundleBytes : await renderDossierPdf(dossier, bundleBytes);
    const sha256 = createHash('sha256').update(body);
    const hex = sha256.copy().digest('hex');
    // Issued only once recorded: a dossier whose issue cannot be recorded is not served.
    await recordRead(
      this.access,
      { identity, request },
      {
        caseId,
        resource: 'dossier',
        ...(point === undefined ? {} : { point }),
        dossier: {
          format,
          revision: dossier.revision,
          ...(bundle.checkpoint === null ? {} : { treeSize: bundle.checkpoint.treeSize }),
          sha256: hex,
        },
      },
    );
    const checkpoint = bundle.checkpoint === null ? '' : `-checkpoint-${bundle.checkpoint.treeSize}`;
    const name = `case-${caseId}-revision-${dossier.revision}${checkpoint}-dossier.${format}`;
    void reply.header('content-type', CONTENT_TYPES[format]);
    void reply.header(
      'content-disposition',
      `${format === 'pdf' ? 'inline' : 'attachment'}; filename="${name}"`,
    );
    void reply.header('repr-digest', `sha-256=:${sha256.digest('base64')}:`);
    return body;
  }
}
