using DistSync.Cli;

return await DsyncCli.RunAsync(args, Console.Out, Console.Error);
