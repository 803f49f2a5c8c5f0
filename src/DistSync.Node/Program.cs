using DistSync.Node.Hosting;


return await NodeProgram.RunAsync(args);
