import { Command } from '@nestjs/cqrs';
import type { CloseCase } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class CloseCaseCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: CloseCase['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
