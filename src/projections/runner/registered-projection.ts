import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a Nest provider as a projection for the ProjectionsModule to run:
 *
 * ```ts
 * @Injectable()
 * @RegisteredProjection()
 * export class WorklistProjection implements Projection { readonly name = 'worklist'; … }
 * ```
 *
 * then list the class in the providers of any module the application imports. At bootstrap the
 * module discovers every provider so marked, registers it with the ProjectionRunner and starts it.
 */
export const RegisteredProjection = DiscoveryService.createDecorator<void>();
