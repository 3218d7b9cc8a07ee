import { Injectable } from '@nestjs/common';
import type { Actor, CaseCommandType } from '../../domain/case/case.commands.js';
import { caseStreamId } from '../../domain/case/case.stream.js';
import { CommandIds } from '../command-path/command-ids.js';
import { type CommandContext, CommandPath } from '../command-path/command-path.js';
import type { CaseCommandResult } from './case-command.js';
import type { CaseCommand, CaseCommandData } from './case-commands.registry.js';
import { CaseAggregate } from './case.aggregate.js';

/** A case command's transport context, with the acting identity in the domain's terms. */
export interface CaseCommandContext extends CommandContext {
  actor: Actor;
}

export interface CaseCommandOutcome {
  caseId: string;
  result: CaseCommandResult;
}

/** Runs one case command through the generic command path. */
@Injectable()
export class CaseCommands {
  constructor(
    private readonly path: CommandPath,
    private readonly aggregate: CaseAggregate,
  ) {}

  async run<Type extends CaseCommandType>(
    caseId: string,
    type: Type,
    data: CaseCommandData<Type>,
    context: CaseCommandContext,
    ids: CommandIds = new CommandIds(context.idempotencyScope),
  ): Promise<CaseCommandOutcome> {
    const result = await this.path.execute(
      this.aggregate,
      caseStreamId(caseId),
      context,
      ({ now, occurredAt }) =>
        ({
          type,
          data,
          metadata: { actor: context.actor, now, occurredAt, newId: ids.idFor('entity') },
        }) as CaseCommand,
      ids,
    );
    return { caseId, result };
  }
}
