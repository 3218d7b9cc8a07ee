import { Command } from '@nestjs/cqrs';
import type { AssignReader } from '../../../domain/case/case.commands.js';
import type { CaseCommandContext, CaseCommandOutcome } from '../case-commands.service.js';

export class AssignReaderCommand extends Command<CaseCommandOutcome> {
  constructor(
    readonly caseId: string,
    readonly data: AssignReader['data'],
    readonly context: CaseCommandContext,
  ) {
    super();
  }
}
