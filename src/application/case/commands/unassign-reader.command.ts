import { Command } from '@nestjs/cqrs';
import type { UnassignReader } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class UnassignReaderCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: UnassignReader['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
