import 'reflect-metadata';
import { runEngine } from './infrastructure/http/run-engine.js';

void runEngine(process.env);
