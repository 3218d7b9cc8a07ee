import { type DynamicModule, Module } from '@nestjs/common';
import { developmentSignInOffered } from '../../auth/development-sign-in.js';
import type { RuntimeConfig } from '../../config/runtime-config.js';
import { DevelopmentSignInController } from './development-sign-in.controller.js';
import { SignInConfigurationController } from './sign-in-configuration.controller.js';

/** Sign-in support for the web app: the public configuration, and the development sign-in where it is offered. */
@Module({})
export class AuthModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: AuthModule,
      controllers: [
        SignInConfigurationController,
        ...(developmentSignInOffered(config) ? [DevelopmentSignInController] : []),
      ],
    };
  }
}
