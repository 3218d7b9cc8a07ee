import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiNotAcceptableResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import { problemTypeEntry } from './problem-catalogue.js';
import { ProblemDto } from './problem.dto.js';
import { ProblemException } from './problem-exception.js';
import {
  allProblemTypes,
  type ProblemType,
  problemIndexPage,
  problemTypePage,
  problemTypeOf,
} from './problem-pages.js';
import { ProblemTypeDto, ProblemTypeListDto } from './problem-type.dto.js';

const HTML = 'text/html';
const JSON_TYPE = 'application/json';

/** The same for everyone and for a whole release: shared caches may keep it. */
const CACHE_CONTROL = 'public, max-age=86400';

const answers = (model: typeof ProblemTypeDto | typeof ProblemTypeListDto, description: string) =>
  ApiOkResponse({
    description,
    content: {
      [HTML]: { schema: { type: 'string' } },
      [JSON_TYPE]: { schema: { $ref: getSchemaPath(model) } },
    },
  });

/**
 * The pages the problem `type` URIs name (RFC 9457 §3.1.1: "human-readable documentation for the
 * problem type"): HTML for browsers, JSON for `Accept: application/json`. Public, like a manual.
 */
@ApiTags('problems')
@ApiExtraModels(ProblemTypeDto, ProblemTypeListDto)
@Controller('problems')
export class ProblemsController {
  @Get()
  @ApiOperation({
    summary: 'Every problem type the engine answers (no token needed)',
    description:
      'HTML by default, `{items}` for `Accept: application/json`. Each item is what `GET /problems/{code}` answers.',
  })
  @answers(ProblemTypeListDto, 'The index of problem types')
  @ApiNotAcceptableResponse({ description: 'Accept allows neither HTML nor JSON', type: ProblemDto })
  index(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): string | object {
    return negotiated(
      request,
      reply,
      () => problemIndexPage(),
      () => ({ items: allProblemTypes() }),
    );
  }

  @Get(':code')
  @ApiOperation({
    summary: 'One problem type: its status, what it means and what to do (no token needed)',
    description:
      "The page a problem answer's `type` names. HTML by default, JSON for `Accept: application/json`.",
  })
  @ApiParam({
    name: 'code',
    schema: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' },
    example: 'already-submitted',
  })
  @answers(ProblemTypeDto, 'The problem type')
  @ApiNotFoundResponse({ description: 'not-found: no problem type has this code', type: ProblemDto })
  @ApiNotAcceptableResponse({ description: 'Accept allows neither HTML nor JSON', type: ProblemDto })
  problemType(
    @Param('code') code: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string | object {
    const entry = problemTypeEntry(code);
    if (!entry)
      throw new ProblemException(
        404,
        'not-found',
        'No problem type has this code; GET /problems lists them all.',
      );
    const problemType: ProblemType = problemTypeOf(code, entry);
    return negotiated(
      request,
      reply,
      () => problemTypePage(problemType),
      () => problemType,
    );
  }
}

/** HTML unless the client prefers JSON; 406 when `Accept` allows neither. */
function negotiated(
  request: FastifyRequest,
  reply: FastifyReply,
  html: () => string,
  json: () => object,
): string | object {
  const accept = request.headers.accept;
  const wanted =
    accept === undefined || accept.trim() === ''
      ? HTML
      : new Negotiator({ headers: { accept } }).mediaType([HTML, JSON_TYPE]);
  if (wanted === undefined) {
    throw new ProblemException(
      406,
      'not-acceptable',
      `The Accept header allows neither ${HTML} nor ${JSON_TYPE}.`,
    );
  }
  // Vary may already name Origin (CORS): add to it, never replace it.
  const vary = reply.getHeader('vary');
  void reply
    .header('cache-control', CACHE_CONTROL)
    .header('vary', vary ? `${String(vary)}, Accept` : 'Accept');
  if (wanted === JSON_TYPE) return json();
  void reply.type(`${HTML}; charset=utf-8`);
  return html();
}
