import { Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ProjectionRunner,
  type ProjectionsStatus,
  type ProjectionState,
  UnknownProjectionError,
} from '../../../projections/runner/projection-runner.js';
import { Allow } from '../../auth/allow.decorator.js';
import { ProblemDto } from '../problem/problem.dto.js';
import { ProblemException } from '../problem/problem-exception.js';
import { QueryValidationPipe } from '../validation/query-validation.pipe.js';
import { ProjectionsQueryDto, ProjectionsStatusDto, RebuildAcceptedDto } from './projections.dto.js';
import { ReadRoute } from '../read-route.decorator.js';

@ApiTags('projections')
@Controller('api/v1/projections')
export class ProjectionsController {
  constructor(private readonly runner: ProjectionRunner) {}

  @ReadRoute({
    action: 'read-projection-status',
    summary: 'State, checkpoint and lag of every projection',
    ok: { type: ProjectionsStatusDto },
    badRequest: 'A query parameter (this route takes none)',
  })
  status(@Query(QueryValidationPipe) _query: ProjectionsQueryDto): Promise<ProjectionsStatus> {
    return this.runner.status();
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @Allow('rebuild-projection')
  @ApiOperation({
    summary: 'Rebuild a projection blue-green',
    description:
      'Builds generation n+1 from position zero while generation n keeps serving, then switches when it has caught up. A rebuild already under way goes on.',
  })
  @ApiAcceptedResponse({ type: RebuildAcceptedDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No projection has this name' })
  async rebuild(@Param('name') name: string): Promise<{ name: string; state: ProjectionState }> {
    try {
      return await this.runner.rebuild(name);
    } catch (error) {
      if (error instanceof UnknownProjectionError)
        throw new ProblemException(404, 'not-found', error.message);
      throw error;
    }
  }
}
