/**
 * @peculiar/x509 resolves its algorithm providers through tsyringe, which needs
 * a Reflect metadata polyfill loaded first. ES modules evaluate imports in
 * order, so every pki file takes the library from here, never directly.
 */
import 'reflect-metadata';
import { cryptoProvider } from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

cryptoProvider.set(webcrypto as unknown as Crypto);

export * from '@peculiar/x509';
