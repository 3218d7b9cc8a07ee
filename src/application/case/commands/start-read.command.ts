import { Command } from '@nestjs/cqrs';
import type { StartRead } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class StartReadCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: StartRead['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
