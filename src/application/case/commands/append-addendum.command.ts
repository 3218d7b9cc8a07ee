import { Command } from '@nestjs/cqrs';
import type { AppendAddendum } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class AppendAddendumCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: AppendAddendum['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
